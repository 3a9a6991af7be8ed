"""OCR of page images with Tesseract `vie`: a package whose imports form a DAG, bottom to top.

- `types`: OcrWord, OcrResult, the OcrEngine protocol, the errors and limits;
- `stream`: long-lived tesseract processes fed page after page;
- `tesseract`: the engine (TSV in, words and confidences out), availability of binary and models;
- `preprocess`: grey, background flattening, level stretch, deskew (and the optional steps);
- `layout`: reading order and tables rebuilt from word boxes;
- `repair`: per-token confidences, number-token repair (schemas/ocr_repair.yaml), `mark_ocr_tokens`;
- `reread`: a second, digits-only reading of doubtful figures;
- `page`: one image (or PDF page) in, one `Page` out — what the loaders call.

Nothing is imported here, so importing one module does not load the others.
"""
