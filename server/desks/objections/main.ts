import { createApp } from 'vue';
import { ElConfigProvider } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import '../shared/desk.css';
import { h } from 'vue';
import { requireLogin } from '../shared/session.ts';
import ObjectionsApp from './ObjectionsApp.vue';

if (requireLogin()) {
  createApp({ render: () => h(ElConfigProvider, { locale: zhCn }, () => h(ObjectionsApp)) }).mount('#app');
}
