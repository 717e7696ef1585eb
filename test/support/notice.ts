/** The 查询码 a one-time notice gives, or undefined when it gives none. */
export const codeIn = (notice: string): string | undefined => /查询码是 ([2-9A-HJKMNP-Z]{8})/.exec(notice)?.[1];
