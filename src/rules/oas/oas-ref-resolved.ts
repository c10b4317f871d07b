import type { DocumentRule } from '../../model/rule.js';

/**
 * Reports `$ref`s that point at nothing. The loader already refused refs that leave the project
 * root or the machine; what is left here is a typo or a file that was moved or never committed.
 */
export const oasRefResolved: DocumentRule = {
  id: 'oas-ref-resolved',
  scope: 'document',
  description: 'Every $ref points to an existing file and node.',
  docs: {
    what: 'Every `$ref` in the document, and in the local files it references, must point to an existing file and, after the `#`, to an existing node in it (an RFC 6901 JSON pointer).',
    why: 'A dangling reference silently drops a schema, a response or a whole path item: documentation and code generators produce something different from what the authors reviewed, and the governance rules cannot check what they cannot see.',
    howToFix: 'Correct the path or the pointer after `#` (remember that `/` inside a key is written `~1`, as in `#/paths/~1users`), or add the missing file to the repository. Paths are relative to the file that holds the `$ref`.',
  },
  formats: ['oas2', 'oas3_0', 'oas3_1'],
  then(_input, _options, context) {
    return (context.unresolvedRefs?.() ?? []).map(({ ref, at }) => ({
      message: `$ref '${ref}' points to nothing: ${ref.startsWith('#') ? 'no node at that pointer' : 'the file or the node after # does not exist'}.`,
      at,
    }));
  },
};
