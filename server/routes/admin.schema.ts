/** Schemas of the admin API (管理员): accounts, sessions, lockouts and the security audit. */
import { Type } from 'typebox';
import { THROTTLE_SCOPES } from '../../db/schema.ts';
import { ROLES } from '../core/access.ts';
import { MIN_PASSWORD_LENGTH } from '../core/password-rules.ts';
import { ErrorReply, StringEnum } from './orders.schema.ts';

export const adminErrors = { 400: ErrorReply, 401: ErrorReply, 403: ErrorReply, 404: ErrorReply, 409: ErrorReply, 422: ErrorReply };

const Instant = Type.String({ format: 'date-time' });
const Username = Type.String({ pattern: '^[a-z0-9_.-]{3,40}$', description: '用户名：3–40 位小写字母、数字、_ . -' });
const DisplayName = Type.String({ minLength: 1, maxLength: 100, description: '姓名' });
const UnitId = Type.String({ minLength: 1, maxLength: 64, description: '所属单位 id' });
const Roles = Type.Array(StringEnum(ROLES), {
  minItems: 1,
  maxItems: ROLES.length,
  uniqueItems: true,
  description: '角色：operator 话务员、dispatcher 派单员、handler 承办人、supervisor 督办、admin 管理员',
});
// The rules (length, the username) are checked by the handler, which names the field in a 422.
const Password = Type.String({ minLength: 1, maxLength: 200, description: `至少 ${MIN_PASSWORD_LENGTH} 个字符，不能是或包含用户名` });

export const UserId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$', description: '用户 id' }) });
export const SessionRef = Type.Object({
  id: UserId.properties.id,
  sessionId: Type.String({ pattern: '^[0-9a-f]{16}$', description: '会话 id（令牌散列的前 16 位十六进制，不是令牌）' }),
});

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  unitId: Type.String(),
  roles: Type.Array(StringEnum(ROLES)),
  disabled: Type.Boolean(),
  createdAt: Instant,
});

export const CreateUserBody = Type.Object(
  { username: Username, displayName: DisplayName, unitId: UnitId, roles: Roles, password: Password },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    roles: Type.Optional(Roles),
    unitId: Type.Optional(UnitId),
    disabled: Type.Optional(Type.Boolean({ description: 'true 停用：立即结束其全部会话' })),
  },
  { additionalProperties: false },
);

export const PasswordBody = Type.Object({ password: Password }, { additionalProperties: false });

export const ListUsersQuery = Type.Object(
  {
    unitId: Type.Optional(UnitId),
    role: Type.Optional(StringEnum(ROLES)),
    disabled: Type.Optional(Type.Boolean()),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: '上一页的 nextCursor' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

export const UserPage = Type.Object({ items: Type.Array(User), nextCursor: Type.Optional(Type.Integer()) });

export const Sessions = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String({ description: '会话 id' }), createdAt: Instant, expiresAt: Instant })),
});

export const Lockouts = Type.Object({
  items: Type.Array(
    Type.Object({ scope: StringEnum(THROTTLE_SCOPES), key: Type.String(), lockedUntil: Instant, lockouts: Type.Integer() }),
  ),
});

export const UnlockBody = Type.Object(
  {
    scope: StringEnum(THROTTLE_SCOPES, { description: 'login_user 用户名、login_addr 来源地址、track 查询' }),
    key: Type.String({ minLength: 1, maxLength: 200, description: '用户名、地址或查询键' }),
  },
  { additionalProperties: false },
);

export const AuditQuery = Type.Object(
  {
    subject: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: '对象：user:<id>、login_user:<用户名>、login_addr:<地址>；不填为全部' }),
    ),
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: '上一页的 nextCursor' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

export const AuditPage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Instant,
      actor: Type.String({ description: 'user:<管理员 id> 或 system' }),
      action: Type.String(),
      subject: Type.String(),
      detail: Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true }),
    }),
  ),
  nextCursor: Type.Optional(Type.Integer()),
});

/** 规则状态: what the running service loaded from rules/, and whether the rules' own check passes. */
export const RulesState = Type.Object({
  families: Type.Integer({ description: '事项大类数' }),
  matters: Type.Integer({ description: '事项数' }),
  words: Type.Integer({ description: '事项关键词数' }),
  departments: Type.Integer({ description: '市、区部门数' }),
  negativeListRules: Type.Integer({ description: '社区准入负面清单条数' }),
  urgencyRules: Type.Integer({ description: '紧急情形规则数' }),
  regions: Type.Integer({ description: '外地（京津冀）地区数' }),
  synonymGroups: Type.Integer({ description: '知识库同义词组数' }),
  check: Type.Object({
    ok: Type.Boolean({ description: '与 `npm run rules:check` 同一检查：每个事项的示例都被规则分入本事项' }),
    examples: Type.Integer({ description: '检查的示例数' }),
    missed: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), gotName: Type.String(), example: Type.String() }), {
      description: '未分入本事项的示例（最多 20 条）',
    }),
  }),
});

export const UnitChildrenQuery = Type.Object(
  { parent: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '上级单位 id；不填为最上层' })) },
  { additionalProperties: false },
);
export const UnitChildren = Type.Object({
  units: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), leaf: Type.Boolean() })),
});
