"""engage's translation catalogues (domain "engage"; the msgids are the French text).

``make catalog`` runs :mod:`engage.locale.build_catalog`; Pyramid reads the compiled
``<lang>/LC_MESSAGES/engage.mo`` files through ``config.add_translation_dirs``.
"""
