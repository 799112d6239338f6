; TypeScript-only facts: declarations that have no JavaScript counterpart, and
; conditional types (a `?` that lizard counts as a decision).
(abstract_class_declaration) @class
(interface_declaration) @interface
(enum_declaration) @enum
(type_alias_declaration) @type
(conditional_type) @decision
; A parameter default in the TypeScript grammar is a field, not an assignment_pattern.
(required_parameter value: (_) @decision)
