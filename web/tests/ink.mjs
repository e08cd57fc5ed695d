// How many pixels of a screenshot differ from the dark background (a blank page has none),
// counted in the page itself (its canvas decodes the PNG); shared by the browser drivers.
export async function inkPixels(page, png) {
  return page.evaluate(async (data) => {
    const image = new Image();
    image.src = "data:image/png;base64," + data;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    let ink = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 200) ink++;
    }
    return ink;
  }, png.toString("base64"));
}
