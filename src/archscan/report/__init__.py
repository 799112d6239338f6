"""Reports: JSON (the contract, with its schema), Markdown, and later HTML/SARIF."""
