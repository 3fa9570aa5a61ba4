export { grammarOf, GRAMMARS, type Grammar } from './grammars.js';
export { Syntax, MAX_PARSED_LENGTH } from './parse.js';
export { field, namedChildren, nodeAt, textOf, walk, type SyntaxNode, type SyntaxTree } from './tree.js';
