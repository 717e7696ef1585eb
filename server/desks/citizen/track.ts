// A citizen's page: no sign-in, the same API client and Element Plus in Chinese.
import { createApp, h } from 'vue';
import { ElConfigProvider } from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import '../shared/desk.css';
import TrackApp from './TrackApp.vue';

createApp({ render: () => h(ElConfigProvider, { locale: zhCn }, () => h(TrackApp)) }).mount('#app');
