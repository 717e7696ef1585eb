/**
 * The service's error codes, each once, with its kind and the Chinese text a person
 * is shown when the thrower gives none. The core throws `DomainError` with a code
 * and knows nothing of HTTP: the errors plugin turns each kind into one HTTP status
 * (server/plugins/errors.ts). Codes are stable: clients branch on them. Messages
 * are for people, in Chinese; logs carry the code and the details.
 */
export const ERROR_KINDS = [
  'invalid', // the request cannot be read as sent
  'unauthenticated', // who is asking is not established
  'forbidden', // known, in sight, but not theirs to do or see
  'not_found', // not there, or out of the viewer's sight (never told apart)
  'conflict', // the state of things does not allow it now
  'too_large',
  'unsupported', // a body of a kind not taken here
  'unprocessable', // readable, but it names something that is not so
  'too_many',
  'internal',
  'unavailable',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const ERROR_CATALOGUE = {
  // 400: the request cannot be read as sent
  VALIDATION_FAILED: { kind: 'invalid', message: '请求内容不符合要求' },
  UNKNOWN_ACTION: { kind: 'invalid', message: '没有这种工单操作' },
  SAFE_MODE_NOT_CONFIGURED: { kind: 'invalid', message: '未配置微信安全模式的密钥，不能解密消息' },
  XML_MALFORMED: { kind: 'invalid', message: 'XML 格式错误' },
  XML_ENTITIES_FORBIDDEN: { kind: 'invalid', message: 'XML 中不允许自定义实体' },
  XML_BAD_ROOT: { kind: 'invalid', message: 'XML 根元素必须是 <xml>' },
  XML_DUPLICATE_FIELD: { kind: 'invalid', message: 'XML 字段重复' },
  MISSING_FIELD: { kind: 'invalid', message: '缺少必填字段' },
  BAD_FIELD: { kind: 'invalid', message: '字段取值不正确' },
  WECHAT_DECRYPT_FAILED: { kind: 'invalid', message: '微信消息无法解密' },
  WECHAT_BAD_PADDING: { kind: 'invalid', message: '微信消息解密后的填充不正确' },
  WECHAT_APPID_MISMATCH: { kind: 'invalid', message: '微信消息的 AppID 与本公众号不符' },
  INVALID_UTF8: { kind: 'invalid', message: '请求体不是有效的 UTF-8 编码' },
  FST_ERR_CTP_INVALID_JSON_BODY: { kind: 'invalid', message: '请求体不是合法的 JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { kind: 'invalid', message: '请求体为空，但声明为 JSON' },
  BAD_REQUEST: { kind: 'invalid', message: '请求无法处理' },
  // 401: who is asking is not established
  UNAUTHENTICATED: { kind: 'unauthenticated', message: '请先登录' },
  BAD_CREDENTIALS: { kind: 'unauthenticated', message: '用户名或密码错误' },
  BAD_CTI_SECRET: { kind: 'unauthenticated', message: 'X-CTI-Secret 不正确' },
  BAD_SIGNATURE: { kind: 'unauthenticated', message: '签名校验失败' },
  STALE_TIMESTAMP: { kind: 'unauthenticated', message: '时间戳过旧或超前，疑似重放' },
  // 403: known, in sight, but not theirs to do or see
  FORBIDDEN: { kind: 'forbidden', message: '无权执行该操作' },
  PHONE_MASKED: { kind: 'forbidden', message: '诉求人电话在本单位签收工单后才能查看' },
  RAW_ADMIN_ONLY: { kind: 'forbidden', message: '原始报文只有管理员可以查看' },
  // 404: not there, or out of the viewer's sight (never told apart)
  ORDER_NOT_FOUND: { kind: 'not_found', message: '工单不存在' },
  UNIT_NOT_FOUND: { kind: 'not_found', message: '单位不存在或不在本单位辖区内' },
  CALL_NOT_FOUND: { kind: 'not_found', message: '通话不存在' },
  MISSED_CALL_NOT_FOUND: { kind: 'not_found', message: '回拨任务不存在' },
  HOTSPOT_NOT_FOUND: { kind: 'not_found', message: '热点预警不存在' },
  ROUTE_NOT_FOUND: { kind: 'not_found', message: '没有这个地址' },
  USER_NOT_FOUND: { kind: 'not_found', message: '用户不存在' },
  SESSION_NOT_FOUND: { kind: 'not_found', message: '会话不存在或已结束' },
  LOCK_NOT_FOUND: { kind: 'not_found', message: '没有这项登录锁定' },
  KB_ENTRY_NOT_FOUND: { kind: 'not_found', message: '知识条目不存在' },
  QA_SAMPLE_NOT_FOUND: { kind: 'not_found', message: '质检样本不存在' },
  // 409: the state of things does not allow it now
  ILLEGAL_TRANSITION: { kind: 'conflict', message: '工单当前状态不能执行该操作' },
  ASSIST_EXISTS: { kind: 'conflict', message: '已是协办单位' },
  ASSISTS_PENDING: { kind: 'conflict', message: '协办单位尚未回复' },
  CLOCK_NOT_RUNNING: { kind: 'conflict', message: '该时限未在计时' },
  CALLBACK_CLOSED: { kind: 'conflict', message: '该回拨任务已结束' },
  HOTSPOT_STEP_REFUSED: { kind: 'conflict', message: '该预警的状态不允许此操作' },
  EXTENSION_PENDING: { kind: 'conflict', message: '该时限已有待审批的延期申请' },
  EXTENSION_NOT_PENDING: { kind: 'conflict', message: '延期申请不存在或已处理' },
  OBJECTION_PENDING: { kind: 'conflict', message: '该工单的派单异议正在审核中' },
  OBJECTION_NOT_PENDING: { kind: 'conflict', message: '派单异议不存在或已审核' },
  SUPERVISE_TOO_SOON: { kind: 'conflict', message: '该工单在督办间隔内已督办过，暂不能再次督办' },
  CONFLICT_RETRY: { kind: 'conflict', message: '并发冲突，请重试' },
  USERNAME_TAKEN: { kind: 'conflict', message: '用户名已被使用' },
  KB_ILLEGAL_CHANGE: { kind: 'conflict', message: '知识条目当前状态不能执行该操作' },
  KB_TITLE_TAKEN: { kind: 'conflict', message: '已有同名的知识条目' },
  KB_VERSION_CONFLICT: { kind: 'conflict', message: '知识条目已被他人修改，请刷新后再改' },
  QA_ALREADY_SCORED: { kind: 'conflict', message: '该质检样本已评分，每个样本只评一次' },
  RATING_CLOSED: { kind: 'conflict', message: '工单不在待评价状态：每次答复只能评价一次' },
  // 413, 415: the body's size or kind
  FST_ERR_CTP_BODY_TOO_LARGE: { kind: 'too_large', message: '请求体超过上限' },
  XML_TOO_LARGE: { kind: 'too_large', message: 'XML 消息体超过上限' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { kind: 'unsupported', message: '不支持该请求体类型，请使用 application/json' },
  XML_REQUIRED: { kind: 'unsupported', message: '消息体必须是 XML（text/xml）' },
  // 422: readable, but it names something that is not so
  UNKNOWN_UNIT: { kind: 'unprocessable', message: '承办单位不存在' },
  UNKNOWN_CALL: { kind: 'unprocessable', message: '关联的通话不存在' },
  UNKNOWN_ORDER: { kind: 'unprocessable', message: '关联的工单不存在' },
  UNKNOWN_AREA: { kind: 'unprocessable', message: '区域代码不存在' },
  UNKNOWN_CATEGORY: { kind: 'unprocessable', message: '事项分类不存在' },
  CATEGORY_UNCHANGED: { kind: 'unprocessable', message: '工单已是该事项分类' },
  KNOWLEDGE_GAP_NOT_CONSULTATION: { kind: 'unprocessable', message: '只有咨询类诉求可以作为知识缺口转知识库组' },
  ALREADY_RATED: { kind: 'conflict', message: '工单已评价，每次答复只能评价一次' },
  KB_ENTRY_UNUSABLE: { kind: 'unprocessable', message: '所选知识条目不存在、未发布或已失效' },
  KB_VERSION_NOT_FOUND: { kind: 'unprocessable', message: '该知识条目没有这个版本' },
  KB_EXPIRED_ON_PUBLISH: { kind: 'unprocessable', message: '失效日期已到，不能发布' },
  CALL_NEEDS_PHONE: { kind: 'unprocessable', message: '关联来电的工单渠道必须是 phone' },
  NOT_BELOW: { kind: 'unprocessable', message: '不是本单位的下级单位，不能下派' },
  NEGATIVE_LIST: { kind: 'unprocessable', message: '该事项在社区负面清单内，不能派给社区' },
  DISPATCH_TO_SELF: { kind: 'unprocessable', message: '工单不能派给自己' },
  ORDER_DESIGNATED: { kind: 'unprocessable', message: '该工单已由热线中心指定承办，不能退回' },
  ASSIST_IS_LEAD: { kind: 'unprocessable', message: '主办单位不能同时是协办单位' },
  MERGE_INTO_SELF: { kind: 'unprocessable', message: '工单不能合并到自身' },
  MASTER_NOT_FOUND: { kind: 'unprocessable', message: '主工单不存在' },
  MASTER_NOT_OPEN: { kind: 'unprocessable', message: '主工单已不在办理中，不能作为合并目标' },
  REPLY_CHECK_FAILED: { kind: 'unprocessable', message: '答复未通过质检，请修改或说明理由后发送' },
  OBJECTION_OWN_DUTY: { kind: 'unprocessable', message: '所引职责属于本单位，不能据此提出异议' },
  EXTENSION_NOT_LATER: { kind: 'unprocessable', message: '申请的时限必须晚于原时限' },
  PASSWORD_TOO_SHORT: { kind: 'unprocessable', message: '密码至少 10 个字符' },
  PASSWORD_HAS_USERNAME: { kind: 'unprocessable', message: '密码不能包含用户名' },
  SELF_LOCKOUT: { kind: 'unprocessable', message: '管理员不能停用自己或去掉自己的管理员角色' },
  IDEMPOTENCY_KEY_REUSED: { kind: 'unprocessable', message: '该 Idempotency-Key 已用于另一份内容不同的提交' },
  // 429: too many
  RATE_LIMITED: { kind: 'too_many', message: '提交过于频繁，请稍后再试' },
  LOGIN_LOCKED: { kind: 'too_many', message: '登录失败次数过多，请稍后再试' },
  LOGIN_BUSY: { kind: 'too_many', message: '登录请求过多，请稍后再试' },
  TRACK_LOCKED: { kind: 'too_many', message: '该工单查询错误次数过多，请稍后再试' },
  // 500, 503: ours, not theirs
  INTERNAL: { kind: 'internal', message: '服务内部错误' },
  DATABASE_UNAVAILABLE: { kind: 'unavailable', message: '数据库暂不可用，请稍后重试' },
  CTI_NOT_CONFIGURED: { kind: 'unavailable', message: '未配置 CTI_SECRET，不接收来电事件' },
  WECHAT_NOT_CONFIGURED: { kind: 'unavailable', message: '未配置 WECHAT_TOKEN，不接收微信消息' },
} as const satisfies Record<string, { kind: ErrorKind; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CATALOGUE, code);

/**
 * A rule of the domain said no. `message` (Chinese) may be more precise than the
 * catalogue's, naming the order, unit or status concerned; `details.field` names the
 * request field at fault.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  get kind(): ErrorKind {
    return ERROR_CATALOGUE[this.code].kind;
  }
}

/** The usual shape: a code, a message, and the field at fault. */
export const refuse = (code: ErrorCode, message?: string, field?: string) => new DomainError(code, message, field ? { field } : undefined);
