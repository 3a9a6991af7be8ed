-- title: Pages to check by eye (OCR doubts and empty pages)
-- description: Pages that were read by OCR with a mean word confidence below $min_confidence, or whose
--   status is not ok (empty, OCR timeout or failure), with how many facts and mismatches sit on them.
-- param: min_confidence = 0.85 | mean OCR word confidence (0-1) under which a page is listed
-- example: queries.run_named(con, "pages_to_verify", min_confidence=0.9)
SELECT
    d.path, p.page, p.source, p.status, round(p.ocr_confidence, 3) AS ocr_confidence, p.chars,
    (SELECT count(*) FROM facts f WHERE f.doc_id = p.doc_id AND f.page = p.page) AS facts,
    (SELECT count(*) FROM checks c WHERE c.doc_id = p.doc_id AND c.page = p.page
        AND c.status = 'mismatch') AS mismatches
FROM pages p
JOIN documents d USING (doc_id)
WHERE p.status <> 'ok' OR (p.ocr_confidence IS NOT NULL AND p.ocr_confidence < $min_confidence)
ORDER BY p.ocr_confidence NULLS FIRST, d.path, p.page;
