"""Tests of the workbook renderers."""
