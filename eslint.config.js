// Lint and the import boundaries of the layout (README "Layout"): which folder may
// import which. Style is Prettier's (.prettierrc.json); eslint-config-prettier
// turns off the rules that would argue with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

const boundary = (message, ...regexes) => ({
  'no-restricted-imports': ['error', { patterns: regexes.map((regex) => ({ regex, message })) }],
});

export default tseslint.config(
  { ignores: ['node_modules/', '.tmp/', '.data/', 'db/migrations/', 'bench/', 'server/pages/dist/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads each imported module to follow cycles: it must parse TypeScript and resolve '.ts' paths.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  // Tests read JSON answers, which are untyped by nature, and wire up small waiters tersely.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unused-expressions': 'off' } },
  // The pure core: the state machine, deadlines, classification, access. It imports only itself.
  { files: ['server/core/**/*.ts'], rules: boundary('server/core imports only server/core', '^(?!\\./)') },
  // The database layer knows the core (its lists and rules), never the HTTP side.
  { files: ['db/**/*.ts'], rules: boundary('db/ does not import server/plugins or server/routes', 'server/(plugins|routes)/') },
  // SQL lives in db/queries: no query text or query builder in routes or plugins.
  {
    files: ['server/routes/**/*.ts', 'server/plugins/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'SQL lives in db/queries/<aggregate>.ts' },
        { selector: "TaggedTemplateExpression[tag.property.name='sql']", message: 'SQL lives in db/queries/<aggregate>.ts' },
        {
          selector:
            "MemberExpression[object.property.name='db'][property.name=/^(select|insert|update|delete|execute|query|transaction)$/]",
          message: 'queries live in db/queries/<aggregate>.ts',
        },
      ],
    },
  },
  // A route may share schemas, not another route's code.
  {
    files: ['server/routes/**/*.ts'],
    rules: boundary('routes do not import other routes (only their *.schema.ts)', '^\\./(?!.*\\.schema\\.ts$)'),
  },
  // Scripts (bench, loaders) may not lean on the tests.
  { files: ['scripts/**/*.ts'], rules: boundary('scripts/ does not import test/', '(^|/)test/') },
  { files: ['server/pages/**/*.js'], languageOptions: { globals: globals.browser } },
  // The desks (Vue 3 single-file components in TypeScript): browser code that reaches the
  // server only over HTTP, and the core only for its label tables and types.
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['server/desks/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      ...boundary(
        'the desks import the core (labels, types) and the route schemas (types only), nothing else of the server',
        '^\\.\\./\\.\\./(?!core/|routes/[a-z-]+\\.schema\\.ts$)',
        '(^|/)db/',
      ),
      // Element Plus components are PascalCase imports used as kebab-case tags.
      'vue/multi-word-component-names': 'off',
    },
  },
  { files: ['*.js', 'scripts/**/*.js'], languageOptions: { globals: globals.node } },
  prettier,
);
