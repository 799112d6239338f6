; Everything parsing needs from a Go file, in one pass over the tree.
(package_clause (package_identifier) @package)
(import_spec) @import
(function_declaration) @function
(method_declaration) @function
(func_literal) @function
; Top-level names other packages can reference as pkg.Name.
(source_file (function_declaration name: (identifier) @def.function))
(source_file (type_declaration (type_spec name: (type_identifier) @def.type)))
(source_file (type_declaration (type_alias name: (type_identifier) @def.type)))
(source_file (var_declaration (var_spec name: (identifier) @def.var)))
(source_file (var_declaration (var_spec_list (var_spec name: (identifier) @def.var))))
(source_file (const_declaration (const_spec name: (identifier) @def.const)))
; Qualified references: pkg.Name in expressions and in types.
(selector_expression operand: (identifier) field: (field_identifier)) @selector
(qualified_type package: (package_identifier) name: (type_identifier)) @selector
(comment) @comment
