import { describe, expect, it } from '@jest/globals';
import { judgeRisky } from '../../src/engine/rules/risky/index.js';
import { readKind } from '../../src/engine/kind.js';
import { configSchema } from '../../src/config/schema.js';
import type { Change, ChangedFile } from '../../src/engine/change.js';
import { changeFromFiles, type ChangeSpec } from '../../tools/judge/change-from-files.js';

function judge(spec: ChangeSpec, paths: string[], extra: ChangedFile[] = []) {
  const change: Change = changeFromFiles(spec);
  change.files.push(...extra);
  const config = configSchema.parse({ risky: { paths } });
  return judgeRisky({ change, config, kind: readKind(change) });
}

/** The level each changed file's findings get (none: the file was not judged). */
function levels(spec: ChangeSpec, paths: string[]): Record<string, string[]> {
  const result = judge(spec, paths);
  const out: Record<string, string[]> = {};
  for (const path of Object.keys(spec.head)) out[path] = result.findings.filter((f) => f.path === path).map((f) => f.level);
  return out;
}

const line = (path: string, text = 'value'): ChangeSpec => ({ base: {}, head: { [path]: `${text}\n` }, title: 'Checkout estimate' });

describe('risky: data files under risky paths', () => {
  it.each([
    'app/src/main/res/values/strings.xml',
    'app/src/main/res/values-pt-rBR/strings.xml',
    'app/src/main/res/values-fr/plurals.xml',
    'composeApp/src/commonMain/composeResources/values-de/strings.xml',
    'app/src/main/res/values/colors.xml',
    'app/src/main/res/drawable-hdpi/ic_pay.xml',
    'app/src/main/res/anim/slide_in.xml',
    'translations/messages.fr.yaml',
    'translations/validators.de.xlf',
    'config/locales/en.yml',
    'config/locales/admin/pt-BR.yml',
    'public/locales/en/checkout.json',
    'src/i18n/de.json',
    'locale/es/LC_MESSAGES/django.po',
    'resources/lang/en/orders.php',
    'src/main/resources/messages_fr.properties',
    'src/main/resources/ValidationMessages.properties',
    'Shop/Resources/Strings.resx',
    'Shop/en.lproj/Localizable.strings',
    'lib/l10n/app_en.arb',
    'src/checkout/theme.scss',
  ])('does not judge %s, which holds text or appearance', (path) => {
    expect(levels(line(path, '<string name="pay">Pay</string>'), ['**'])).toEqual({ [path]: [] });
  });

  it.each([
    ['app/src/main/res/layout/activity_checkout.xml', 'a UI layout'],
    ['app/src/main/res/layout-land/activity_checkout.xml', 'a UI layout'],
    ['app/src/main/res/menu/checkout.xml', 'a UI layout'],
    ['Shop/Views/CheckoutPage.xaml', 'a UI layout'],
    ['api/openapi.yaml', 'an API description'],
    ['docs/api/orders.openapi.json', 'an API description'],
    ['src/main/resources/swagger/v1.yml', 'an API description'],
    ['api/refund.schema.json', 'an API description'],
  ])('gives %s one notice, as %s', (path, what) => {
    const result = judge(line(path, '<Button android:id="@+id/pay" />'), ['**']);
    expect(result.findings.map((f) => [f.level, f.title, f.path])).toEqual([['notice', 'declarative file, not judged line by line', path]]);
    expect(result.findings[0].message).toContain(`it is ${what}`);
  });

  it('reads an API description by its first line when its name does not say so', () => {
    const openapi = { base: {}, head: { 'src/main/resources/static/orders.yml': 'openapi: 3.1.0\ninfo:\n  title: Orders\n' } };
    expect(judge(openapi, ['src/**']).findings.map((f) => [f.level, f.title])).toEqual([
      ['notice', 'declarative file, not judged line by line'],
    ]);
    const swagger = { base: {}, head: { 'api/v2.json': '{\n  "swagger": "2.0",\n  "paths": {}\n}\n' } };
    expect(judge(swagger, ['api/**']).findings.map((f) => f.level)).toEqual(['notice']);
  });

  it.each([
    ['config/payments/retries.json', '{\n  "maxAttempts": 8\n}'],
    ['config/payments.yml', 'max_attempts: 8'],
    ['app/src/main/res/values/bools.xml', '<bool name="new_checkout">true</bool>'],
    ['app/src/main/res/xml/network_security_config.xml', '<domain-config cleartextTrafficPermitted="true">'],
    ['src/main/resources/application.properties', 'payments.retries=8'],
    ['src/testimonials/carousel.json', '{ "autoplay": true }'],
  ])('still judges %s, configuration read at runtime', (path, text) => {
    expect(levels(line(path, text), ['**'])[path]).toContain('error');
  });

  it('says in the summary what it did not judge, and keeps judging code beside it', () => {
    const result = judge(
      {
        base: {},
        head: {
          'app/src/main/res/values/strings.xml': '<string name="pay">Pay</string>\n',
          'app/src/main/res/values-fr/strings.xml': '<string name="pay">Payer</string>\n',
          'app/src/main/res/layout/checkout.xml': '<Button android:id="@+id/pay" />\n',
        },
      },
      ['app/**'],
    );
    expect(result.summary).toMatchObject({
      status: 'notice',
      summary:
        'no risky code changed · under risky paths, 1 layout or API description noted, not judged line by line (no flag can be checked in them); 2 string or translation files not judged (text, not behaviour) · read as feature (from the default, as the title and labels name no type)',
    });
    const withCode = judge(
      {
        base: {},
        head: { 'app/src/main/res/values/strings.xml': '<string name="pay">Pay</string>\n', 'app/src/main/pay.rb': 'charge(card)\n' },
      },
      ['app/**'],
    );
    expect(withCode.findings.map((f) => [f.level, f.path])).toEqual([['error', 'app/src/main/pay.rb']]);
    expect(withCode.summary.summary).toContain(
      'in 1 risky file (evidence: hunk) · under risky paths, 1 string or translation file not judged',
    );
  });

  it('passes over an image or a font under a risky path, which is appearance, and still reports another binary file as not inspected', () => {
    const binary = (path: string): ChangedFile => ({
      path,
      status: 'added',
      additions: 0,
      deletions: 0,
      binary: true,
      patchMissing: false,
      hunks: [],
    });
    const result = judge(
      { base: {}, head: {} },
      ['app/**'],
      [binary('app/src/main/res/drawable/ic_pay.png'), binary('app/lib/payments.so')],
    );
    expect(result.findings.map((f) => [f.level, f.title, f.path])).toEqual([
      ['error', 'risky change not inspected', 'app/lib/payments.so'],
    ]);
  });
});
