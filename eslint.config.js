// Lint that keeps the layers (see the README's "Layout"): src/lib and src/content import no feature;
// features import each other only through their ports (*-port.ts); only repositories (and the store
// itself) touch the store at run time; views are rendered only from routes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FEATURES = ['auth', 'workshops', 'progress', 'faq', 'search', 'sessions', 'admin', 'labs', 'notifications'];
// The FAQ feature owns search: they are one element.
const SAME_ELEMENT = { faq: ['search'], search: ['faq'] };

const otherFeatures = (self) =>
  FEATURES.filter((f) => f !== self && !(SAME_ELEMENT[self] ?? []).includes(f)).map((f) => ({
    group: [`../${f}/*`, `!../${f}/*-port.ts`],
    message: `Features reach each other through ports: import ../${f}/<something>-port.ts, and take the rest as a dependency from src/app.ts.`,
  }));

const storeAtRuntime = {
  group: ['**/lib/store/store.ts', '**/lib/db.ts', '**/lib/store/*', '!**/lib/store/store-errors.ts'],
  allowTypeImports: true,
  message: 'Only repositories (*-repository.ts) use the store; take a repository as a dependency.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'test-results/', 'bench/out/', 'public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', performance: 'readonly', structuredClone: 'readonly', fetch: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', URLSearchParams: 'readonly', NodeJS: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Pasted logs carry terminal control codes, and removing them is the point of those patterns.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/lib/**/*.ts', 'src/content/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: FEATURES.map((f) => `**/${f}/*`), message: 'src/lib and src/content are below the features and import none of them.' }],
      }],
    },
  },
  ...FEATURES.map((f) => ({
    files: [`src/${f}/**/*.ts`],
    ignores: [`src/${f}/*-repository.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...otherFeatures(f), storeAtRuntime] }] },
  })),
  ...FEATURES.map((f) => ({
    files: [`src/${f}/*-repository.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: otherFeatures(f) }] },
  })),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*-routes.ts', 'src/**/*-pages.ts', 'src/**/*-views.ts', 'src/workshops/step-view.ts', 'src/lib/error-handler.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.property.name='render'][callee.object.name='res']",
        message: 'Views are rendered from routes (*-routes.ts, *-pages.ts) or their view helpers (*-views.ts).',
      }],
    },
  },
);
