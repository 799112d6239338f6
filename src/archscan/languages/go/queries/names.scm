; Unqualified names a file uses (same-package edges), see names.py.
(identifier) @use
(type_identifier) @use
; Identifiers that are no use of a package-level name: pkg.Type's Type, and the keys
; of a literal of a named (or generic, or struct) type, which are field names.
(qualified_type name: (type_identifier) @not_use)
(composite_literal
  type: [(type_identifier) (qualified_type) (generic_type) (struct_type)]
  body: (literal_value (keyed_element key: (literal_element (identifier) @not_use))))
; Local declarations that shadow a package-level name within their function.
(parameter_declaration name: (identifier) @local)
(variadic_parameter_declaration name: (identifier) @local)
(type_parameter_declaration name: (identifier) @local)
(short_var_declaration left: (expression_list (identifier) @local))
(receive_statement left: (expression_list (identifier) @local))
(range_clause left: (expression_list (identifier) @local))
(type_switch_statement alias: (expression_list (identifier) @local))
(var_spec name: (identifier) @local)
(const_spec name: (identifier) @local)
(type_spec name: (type_identifier) @local)
