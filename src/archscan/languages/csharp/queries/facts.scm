; Everything parsing needs from a C# file, in one pass over the tree.
(using_directive) @using
[(namespace_declaration) (file_scoped_namespace_declaration)] @namespace
[
  (class_declaration)
  (interface_declaration)
  (struct_declaration)
  (enum_declaration)
  (record_declaration)
  (delegate_declaration)
] @type
[
  (method_declaration)
  (constructor_declaration)
  (destructor_declaration)
  (operator_declaration)
  (conversion_operator_declaration)
  (local_function_statement)
] @function
(accessor_declaration body: (_)) @function
(comment) @comment
; Names that may denote a type: C# capitalises types, namespaces and members alike,
; so the plugin drops declared names and members reached through `x.Member`.
((identifier) @ref (#match? @ref "^[A-Z]"))
(attribute name: (_) @attribute)
; Candidates for qualified names written inline (`Billing.Invoice`, `Acme.Util.Helper.Make()`).
(qualified_name) @qualified
(member_access_expression) @qualified
; Methods called on an object, `x.Name(...)`, `x.Name<T>(...)`, `x?.Name(...)`: candidate
; extension-method calls (the resolver keeps those an imported namespace declares).
(invocation_expression function: (member_access_expression name: (_) @call))
(invocation_expression
  function: (conditional_access_expression (member_binding_expression name: (_) @call)))
