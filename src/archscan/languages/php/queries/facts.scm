; Everything parsing needs from a PHP file, in one pass over the tree.
(namespace_definition) @namespace
(namespace_use_declaration) @use
[(require_expression) (require_once_expression)
 (include_expression) (include_once_expression)] @include
(class_declaration) @class
(interface_declaration) @class
(trait_declaration) @class
(enum_declaration) @class
(program (function_definition name: (name) @def.function))
(namespace_definition body: (compound_statement (function_definition name: (name) @def.function)))
(function_definition) @function
(method_declaration) @function
; Class names used in code: types, extends/implements, new, static access, traits.
(named_type [(name) (qualified_name)] @ref)
(base_clause [(name) (qualified_name)] @ref)
(class_interface_clause [(name) (qualified_name)] @ref)
(object_creation_expression [(name) (qualified_name)] @ref)
(scoped_call_expression scope: [(name) (qualified_name)] @ref)
(class_constant_access_expression . [(name) (qualified_name)] @ref)
(scoped_property_access_expression scope: [(name) (qualified_name)] @ref)
(use_declaration [(name) (qualified_name)] @ref)
(binary_expression operator: "instanceof" right: [(name) (qualified_name)] @ref)
(attribute [(name) (qualified_name)] @ref)
(comment) @comment
