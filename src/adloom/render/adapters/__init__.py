"""External image and video services as generators. They make pictures only: ad text is always laid
over afterwards by our own renderer (``adloom.render.static``), never drawn by a model."""
