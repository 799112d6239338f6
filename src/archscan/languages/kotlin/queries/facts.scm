; Everything parsing needs from a Kotlin file, in one pass over the tree.
(package_header) @package
(import) @import
[(class_declaration) (object_declaration) (companion_object)] @type
; Functions with a body (lizard mistakes the next declaration for the body of an
; abstract one, so body-less declarations are left out to keep the pairing honest).
(function_declaration (function_body)) @function
[(getter (function_body)) (setter (function_body)) (anonymous_function)] @function
; Lambdas are part of the function they are written in (as in the Java and C# plugins).
(source_file (function_declaration) @toplevel)
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
