import { describe, expect, it } from '@jest/globals';
import { parseGitAttributes } from '../../src/engine/gitattributes.js';

// Shaped after real repositories' .gitattributes (mixed eol settings, Linguist overrides, comments).
const REPO_ATTRIBUTES = [
  '# Normalise line endings',
  '* text=auto eol=lf',
  '*.png binary',
  '',
  '# Generated code',
  'api/generated/** linguist-generated=true',
  '*.pb.go linguist-generated',
  'docs/openapi.json linguist-generated -diff',
  '   /schema.graphql   linguist-generated   ',
  '',
  '# Hand-maintained, even though it sits among generated files',
  'api/generated/README.md -linguist-generated',
  'api/generated/custom.ts linguist-generated=false',
  '',
  '# Third-party code we keep in the tree',
  'third_party/** linguist-vendored',
  'third_party/ours/** linguist-vendored=false',
  'vendor/ linguist-vendored',
  '"assets/with space/**" linguist-vendored',
  '"caf\\303\\251/*.js" linguist-generated',
  '!legacy/** linguist-generated',
  'legacy/*.js linguist-generated=maybe',
  'reset/** linguist-generated',
  'reset/keep.ts !linguist-generated',
].join('\r\n');

describe('parseGitAttributes', () => {
  const attributes = parseGitAttributes(REPO_ATTRIBUTES);

  it('reads set and =true, anchored and at any depth', () => {
    expect(attributes.generated('api/generated/client.ts')).toBe(true);
    expect(attributes.generated('api/generated/deep/nested/types.ts')).toBe(true);
    expect(attributes.generated('services/search/v1/search.pb.go')).toBe(true);
    expect(attributes.generated('search.pb.go')).toBe(true);
    expect(attributes.generated('docs/openapi.json')).toBe(true);
    expect(attributes.generated('schema.graphql')).toBe(true);
  });

  it('anchors patterns that contain a slash', () => {
    expect(attributes.generated('other/api/generated/client.ts')).toBe(false);
    expect(attributes.generated('sub/docs/openapi.json')).toBe(false);
    expect(attributes.generated('sub/schema.graphql')).toBe(false);
  });

  it('lets later lines override earlier ones, with - and =false', () => {
    expect(attributes.generated('api/generated/README.md')).toBe(false);
    expect(attributes.state('api/generated/README.md', 'linguist-generated')).toBe(false);
    expect(attributes.generated('api/generated/custom.ts')).toBe(false);
    expect(attributes.vendored('third_party/lib/x.c')).toBe(true);
    expect(attributes.vendored('third_party/ours/x.c')).toBe(false);
  });

  it('returns to unspecified with ! and with values Linguist does not read as booleans', () => {
    expect(attributes.state('reset/keep.ts', 'linguist-generated')).toBeUndefined();
    expect(attributes.generated('reset/other.ts')).toBe(true);
    expect(attributes.state('legacy/a.js', 'linguist-generated')).toBeUndefined();
  });

  it('ignores directory patterns, negative patterns and unrelated attributes', () => {
    expect(attributes.vendored('vendor/github.com/x/y.go')).toBe(false);
    expect(attributes.generated('legacy/b.ts')).toBe(false);
    expect(attributes.generated('logo.png')).toBe(false);
    expect(attributes.state('docs/openapi.json', 'diff')).toBe(false);
    expect(attributes.state('x.png', 'binary')).toBe(true);
  });

  it('reads quoted patterns with spaces and octal escapes', () => {
    expect(attributes.vendored('assets/with space/lib.js')).toBe(true);
    expect(attributes.generated('café/bundle.js')).toBe(true);
    expect(attributes.generated('cafe/bundle.js')).toBe(false);
  });

  it('does not expand braces (git does not)', () => {
    const braces = parseGitAttributes('*.{js,ts} linguist-generated\n');
    expect(braces.generated('a.js')).toBe(false);
    expect(braces.generated('a.{js,ts}')).toBe(true);
  });

  it('treats a missing file as no attributes', () => {
    expect(parseGitAttributes(undefined).generated('a.js')).toBe(false);
    expect(parseGitAttributes('').vendored('vendor/a.js')).toBe(false);
  });
});
