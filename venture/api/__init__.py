"""The JSON API (/api/v1), its OpenAPI document, personal API tokens and OCDS open data."""
