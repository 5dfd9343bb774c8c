DROP TABLE received;
DROP FUNCTION bmnn_refuse();
