import os

# scikit-learn's check_array_api_input runs only when SciPy's array API
# support was switched on before SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
