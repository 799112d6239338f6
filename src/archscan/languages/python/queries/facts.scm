; Everything parsing needs from a Python file, in one pass over the tree.
(import_statement) @import
(import_from_statement) @from
(class_definition) @class
(function_definition) @function
(comment) @comment
