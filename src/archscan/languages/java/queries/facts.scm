; Everything parsing needs from a Java file, in one pass over the tree.
(package_declaration) @package
(import_declaration) @import
[
  (class_declaration)
  (interface_declaration)
  (enum_declaration)
  (record_declaration)
  (annotation_type_declaration)
] @type
[
  (method_declaration)
  (constructor_declaration)
  (compact_constructor_declaration)
] @function
[(line_comment) (block_comment)] @comment
; Names used as types; the plugin drops the inner parts of `Outer.Inner`.
(type_identifier) @ref
; `Helper.make()`, `Config.DEFAULT`, `Helper::make`: a class used through a static member.
(method_invocation object: (identifier) @ref)
(field_access object: (identifier) @ref)
(method_reference . (identifier) @ref)
(marker_annotation name: (identifier) @ref)
(annotation name: (identifier) @ref)
; Candidates for fully qualified names written inline (`com.acme.Order`).
(scoped_type_identifier) @qualified
(field_access) @qualified
(marker_annotation name: (scoped_identifier) @qualified)
(annotation name: (scoped_identifier) @qualified)
