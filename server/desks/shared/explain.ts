/**
 * The classifier's explanation lines (`category:urban.sanitation`, `routing:…`,
 * `area:ambiguous`…) in words an operator reads: what kind of evidence, about
 * which named matter, and the words of the text that carried it.
 */
import type { Owner } from '../../core/rules.ts';
import { REQUEST_TYPE_LABELS } from '../../core/lists.ts';
import { matterName } from './names.ts';

const OWNER_LABELS: Record<Owner, string> = {
  city_department: '市级部门',
  district_department: '区级部门',
  district: '区政府',
  street: '街道（乡镇）',
  community: '社区',
};

export interface ExplainedLine {
  what: string;
  words: string[];
}

export function explain(line: { rule: string; matched: string[] }): ExplainedLine {
  const [kind, arg = ''] = line.rule.split(/:(.*)/s);
  const words = line.matched.filter(Boolean);
  switch (kind) {
    case 'category':
      return { what: `事项「${matterName(arg)}」的关键词`, words };
    case 'model':
      return { what: `历史工单学习判为「${matterName(arg)}」`, words };
    case 'exclusion':
      return { what: `排除「${matterName(arg)}」的词`, words };
    case 'area':
      return { what: arg === 'ambiguous' ? '地名（多处同名）' : arg === 'alias' ? '地名别称' : '地名', words };
    case 'request-type':
      return {
        what: `诉求类型「${REQUEST_TYPE_LABELS[arg as keyof typeof REQUEST_TYPE_LABELS] ?? '其他'}」${words.length ? '的提示词' : '（按事项判断）'}`,
        words,
      };
    case 'region':
      return { what: '外地地名（建议转出）', words };
    case 'negative-list':
      return { what: '社区准入负面清单（不派社区）', words };
    case 'routing': {
      const owner = (words[0] ?? '').split('/')[0] as Owner;
      return { what: `派单规则：由${OWNER_LABELS[owner] ?? '相关单位'}承办`, words: [] };
    }
    case 'urgency':
      return { what: '紧急情形', words };
    case 'urgency-confirm':
      return { what: '紧急待确认', words };
    default:
      return { what: '其他依据', words };
  }
}
