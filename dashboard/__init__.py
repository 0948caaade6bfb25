"""The analyst's dashboard (Streamlit): ``kinlink dashboard BUNDLE_OR_REPORT``.

``app.py`` is the router (``st.navigation``); ``views/`` holds the thin pages; everything they
compute lives in importable modules: :mod:`.data` (loading), :mod:`.overview`, :mod:`.queues`,
:mod:`.search`, :mod:`.family_view`, :mod:`.review` and :mod:`.masking`. :mod:`.state` holds
the cached, Streamlit-side access to them. Only this package imports ``streamlit``.
"""
