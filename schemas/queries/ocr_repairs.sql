-- title: OCR repairs and doubtful digits
-- description: Number tokens of OCR'd pages that were repaired where the Vietnamese number format
--   decides (`19. 214` joined, `S12` in a row of numbers read as 512, a footnote marker split off
--   `1.2872`) or by a second, digits-only reading (`1ý` read again as 17; two readings that disagree),
--   flagged as malformed, or read with a word confidence below the line of
--   schemas/ocr_repair.yaml; with the text as stored, what OCR read, and the figures built on them.
--   A check resting on a guessed digit is unverifiable, never a mismatch: this is the list to verify by eye.
-- example: queries.run_named(con, "ocr_repairs")
SELECT
    d.path,
    p.page,
    m.kind,
    substr(d.text, m.char_start + 1, m.char_end - m.char_start) AS stored,
    m.label AS read_as,
    (SELECT string_agg(f.quote, ' | ') FROM facts f
        WHERE f.doc_id = m.doc_id AND f.char_start < m.char_end AND m.char_start < f.char_end) AS figures,
    (SELECT count(*) FROM checks c, facts f
        WHERE f.doc_id = m.doc_id AND c.doc_id = m.doc_id AND list_contains(c.fact_ids, f.fact_id)
        AND f.char_start < m.char_end AND m.char_start < f.char_end) AS checks
FROM text_marks m
JOIN documents d USING (doc_id)
JOIN pages p ON p.doc_id = m.doc_id AND m.char_start >= p.char_start AND m.char_start < p.char_end
WHERE m.kind IN ('ocr_repair', 'ocr_doubt')
ORDER BY d.path, m.char_start;
