; Everything parsing needs from a Kotlin file, in one pass over the tree.
(package_header) @package
(import) @import
[(class_declaration) (object_declaration) (companion_object)] @type
(function_declaration) @function
[(getter) (setter) (anonymous_function)] @function
; A lambda with named parameters is a function of its own (lizard's convention).
(lambda_literal (lambda_parameters)) @function
(source_file (property_declaration) @property)
(source_file (type_alias) @typealias)
[(line_comment) (block_comment)] @comment
; Names that may denote a declaration of the same package: types, objects and
; constants (capitalised by convention), and called functions (`topLevel(1)`).
((identifier) @ref (#match? @ref "^[A-Z]"))
(call_expression . (identifier) @ref)
; Candidates for fully qualified names written inline (`com.acme.Order`).
(user_type) @qualified
(navigation_expression) @qualified
