import { createApp, h } from 'vue';
import { ElConfigProvider } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import '../shared/desk.css';
import './knowledge.css';
import { requireLogin } from '../shared/session.ts';
import KnowledgeApp from './KnowledgeApp.vue';

if (requireLogin()) {
  createApp({ render: () => h(ElConfigProvider, { locale: zhCn }, () => h(KnowledgeApp)) }).mount('#app');
}
