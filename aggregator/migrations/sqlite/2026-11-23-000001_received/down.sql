DROP TABLE received;
