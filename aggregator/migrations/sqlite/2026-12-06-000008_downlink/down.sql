DROP TABLE reviews;
DROP TABLE notices;
