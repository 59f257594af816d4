"""Fetching papers from the services that list them (Hugging Face daily papers; arXiv's RSS
feeds, API and OAI-PMH) into the library on disk. Parsing what they answer stays in
`papertui.corpus`; nothing here imports Textual."""
