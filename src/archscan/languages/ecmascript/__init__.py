"""Shared machinery for JavaScript and TypeScript (no SPEC: not a language of its own).

``parser`` turns one file into FileFacts with the tree-sitter JavaScript, TypeScript or
TSX grammar; ``sfc`` cuts the ``<script>`` blocks out of Vue and Svelte components;
``jsonc``, ``tsconfig`` and ``packages`` read the project's configuration files; and
``resolver`` resolves specifiers the way Node and the TypeScript compiler do.
The ``javascript`` and ``typescript`` plugins are thin wrappers around these.
"""
