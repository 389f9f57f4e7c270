"""The project's tests: the tools' tests here and in tuner/, one package per exercise (tests/<module>/)."""
