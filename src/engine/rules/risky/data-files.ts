/**
 * Files under a risky path that hold data, not code, and what a reviewer makes of them:
 *
 * - **text**: string resources and translations (Android `values/strings.xml`, gettext, XLIFF, Symfony
 *   `translations/`, Rails `config/locales/`, a JavaScript locale JSON, a Laravel `lang/en/*.php`). Words shown
 *   to people carry no behaviour a flag could guard: not judged, counted in the summary.
 * - **appearance**: stylesheets, Android resources of how things look (drawables, colours, dimensions, styles,
 *   themes, animations, fonts), images and fonts. Not judged, as style definitions in code are not.
 * - **declarative**: UI layouts (Android `layout/`, `menu/`, `navigation/`, XAML, storyboards) and API
 *   descriptions (OpenAPI, Swagger, AsyncAPI, JSON Schema). They declare a screen or an interface; no flag can be
 *   checked in them, so the code that shows or serves them is where a flag goes and is judged on its own lines.
 *   One notice per file says so.
 *
 * Anything else stays judged: a JSON, YAML or XML configuration read at runtime (`config/payments.json`, an
 * Android `bools.xml` or `integers.xml`) changes behaviour for everyone at once.
 */
import type { ChangedFile } from '../../change.js';

/** The title of a declarative file's notice. */
export const DECLARATIVE_TITLE = 'declarative file, not judged line by line';

export type DataFile = { kind: 'text' } | { kind: 'appearance' } | { kind: 'declarative'; what: string; where: string };

/** Stylesheets say how something looks, not what it does (as style definitions in code do). */
const STYLESHEET = /\.(?:css|scss|sass|less|styl|pcss)$/i;
const MEDIA = /\.(?:png|jpe?g|gif|webp|avif|bmp|ico|icns|svg|ttf|otf|woff2?|eot)$/i;
/** Android resources of appearance: `res/drawable-hdpi/`, `res/values/colors.xml`, `res/anim/`. */
const ANDROID_APPEARANCE =
  /(?:^|\/)(?:drawable|mipmap|color|anim|animator|font|transition)(?:-[\w+-]+)?\/[^/]+\.xml$|(?:^|\/)values(?:-[\w+-]+)?\/(?:colors|dimens|styles|themes|attrs)\.xml$/;

/** Android and Compose Multiplatform string resources, in every locale's `values-xx/`. */
const STRING_RESOURCES = /(?:^|\/)values(?:-[\w+-]+)?\/(?:strings|plurals)(?:[_-][\w-]*)?\.xml$/;
/** Formats that only hold translated text. */
const TRANSLATION_FORMATS = /\.(?:po|pot|xlf|xliff|arb|strings|stringsdict|xcstrings|resx)$/i;
/** Data files in a folder of translations: `translations/messages.fr.yaml`, `config/locales/en.yml`, `src/locales/de.json`. */
const TRANSLATION_FOLDER =
  /(?:^|\/)(?:locales?|translations?|i18n|l10n|lang|langs|languages)\/(?:[^/]+\/)*[^/]+\.(?:json|ya?ml|properties|toml)$/;
/** A Laravel language file: `lang/en/auth.php`, `resources/lang/pt_BR/orders.php`. */
const LANGUAGE_PHP = /(?:^|\/)lang\/[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?\/[^/]+\.php$/;
/** Java resource bundles: `messages_fr.properties`, `ValidationMessages.properties`. */
const RESOURCE_BUNDLE = /(?:^|\/)[\w-]*(?:[Mm]essages|[Bb]undle|[Ss]trings)(?:_[a-z]{2,3}(?:_[A-Z]{2})?)?\.properties$/;

const LAYOUT = /(?:^|\/)res\/(?:layout|menu|navigation)(?:-[\w+-]+)?\/[^/]+\.xml$|\.(?:xaml|axaml|storyboard|xib)$/;
/** API descriptions by name: `openapi.yaml`, `orders.openapi.json`, `swagger/v1.yml`, `refund.schema.json`. */
const API_NAME =
  /(?:^|\/)(?:[^/]*[._-])?(?:openapi|swagger|asyncapi)(?:[._-][^/]*)?\.(?:ya?ml|json)$|(?:^|\/)(?:openapi|swagger|asyncapi|json-?schemas?)\/(?:[^/]+\/)*[^/]+\.(?:ya?ml|json)$|\.schema\.json$/i;
/** An API description by its first lines: `openapi: 3.1.0`, `"swagger": "2.0"`, `"$schema": "https://json-schema.org/…"`. */
const API_HEADER = /^\s*["']?(?:openapi|swagger|asyncapi)["']?\s*:\s*["']?\d|^\s*"\$schema"\s*:\s*"https?:\/\/json-schema\.org\//;
const DATA_EXTENSION = /\.(?:ya?ml|json)$/i;

/** What kind of data a changed file holds, or undefined for code (and configuration, which is judged like code). */
export function dataFileOf(file: ChangedFile): DataFile | undefined {
  const path = file.path;
  if (STYLESHEET.test(path) || MEDIA.test(path) || ANDROID_APPEARANCE.test(path)) return { kind: 'appearance' };
  if (
    STRING_RESOURCES.test(path) ||
    TRANSLATION_FORMATS.test(path) ||
    TRANSLATION_FOLDER.test(path) ||
    LANGUAGE_PHP.test(path) ||
    RESOURCE_BUNDLE.test(path)
  )
    return { kind: 'text' };
  if (LAYOUT.test(path)) return { kind: 'declarative', what: 'a UI layout', where: 'the code that shows it' };
  if (API_NAME.test(path) || (DATA_EXTENSION.test(path) && startsAsApiDescription(file)))
    return { kind: 'declarative', what: 'an API description', where: 'the code that serves it' };
  return undefined;
}

/** The file's first lines, from its head text or the patch, name it an API description. */
function startsAsApiDescription(file: ChangedFile): boolean {
  const head = file.text?.head;
  if (head !== undefined)
    return head
      .slice(0, 2000)
      .split('\n', 5)
      .some((line) => API_HEADER.test(line));
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      const at = line.type === 'del' ? line.oldLine : line.newLine;
      if (at !== undefined && at <= 5 && API_HEADER.test(line.content)) return true;
    }
  }
  return false;
}
