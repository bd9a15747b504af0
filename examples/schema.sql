-- The sample schema of the quick start: the same Books table as the Go HarmonyLite demo.
-- The application assigns ids itself (see docs/architecture.md on INTEGER PRIMARY KEY).
CREATE TABLE IF NOT EXISTS Books (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    publication_year INTEGER
);
INSERT OR IGNORE INTO Books (id, title, author, publication_year) VALUES
    (1, 'The Hitchhiker''s Guide to the Galaxy', 'Douglas Adams', 1979),
    (2, 'The Lord of the Rings', 'J.R.R. Tolkien', 1954),
    (3, 'Harry Potter and the Sorcerer''s Stone', 'J.K. Rowling', 1997),
    (4, 'The Catcher in the Rye', 'J.D. Salinger', 1951),
    (5, 'To Kill a Mockingbird', 'Harper Lee', 1960),
    (6, '1984', 'George Orwell', 1949),
    (7, 'The Great Gatsby', 'F. Scott Fitzgerald', 1925);
