"""The three-stage editorial review of explainers, built on Wagtail's workflow engine.

Stage 1 "Primary research" (Research analysts), stage 2 "Medical accuracy review"
(Medical reviewers), stage 3 "Registry verification" (Registry verifiers). The rules
live in the task types themselves (``tasks.py``), so every admin path that asks a task
for its actions or performs one (edit view, dashboard, workflow-action view) obeys them.

This package must stay import-light: ``finish.py`` is imported by Wagtail while
``wagtail.models`` itself is loading (``WAGTAIL_FINISH_WORKFLOW_ACTION``).
"""
