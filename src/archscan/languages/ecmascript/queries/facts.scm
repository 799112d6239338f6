; Everything parsing needs from a JavaScript/TypeScript file, in one pass over the tree.
; Node names here exist in the javascript, typescript and tsx grammars alike.
(import_statement) @import
(export_statement source: (_)) @export
(call_expression function: (import)) @dynamic
(call_expression function: (identifier) @callee arguments: (arguments)) @require
(comment) @comment
(class_declaration) @class
(function_declaration) @function
(generator_function_declaration) @function
(function_expression) @function
(generator_function) @function
(arrow_function) @function
(method_definition) @function
