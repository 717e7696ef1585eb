import { createApp, h } from 'vue';
import { ElConfigProvider } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import { requireLogin } from '../shared/session.ts';
import WallApp from './WallApp.vue';
import './wall.css';

if (requireLogin()) {
  createApp({ render: () => h(ElConfigProvider, { locale: zhCn }, () => h(WallApp)) }).mount('#app');
}
