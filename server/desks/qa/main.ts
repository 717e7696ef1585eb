import { createApp } from 'vue';
import { ElConfigProvider } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import '../shared/desk.css';
import { h } from 'vue';
import { requireLogin } from '../shared/session.ts';
import QaApp from './QaApp.vue';

if (requireLogin()) {
  createApp({ render: () => h(ElConfigProvider, { locale: zhCn }, () => h(QaApp)) }).mount('#app');
}
