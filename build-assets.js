// Copies the GOV.UK Frontend and MOJ Frontend builds, and our own files in frontend/,
// into static/, which Flask serves at /assets (the CSS expects /assets/fonts and
// /assets/images). Nothing is loaded from a CDN.
const fs = require("fs");
const path = require("path");

const out = path.join(__dirname, "static");
const govuk = path.join(__dirname, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = path.join(__dirname, "node_modules", "@ministryofjustice", "frontend", "moj");

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.cpSync(path.join(govuk, "assets"), out, { recursive: true });
fs.cpSync(path.join(moj, "assets"), out, { recursive: true });
for (const file of ["govuk-frontend.min.css", "govuk-frontend.min.js"]) {
  fs.copyFileSync(path.join(govuk, file), path.join(out, file));
}
for (const file of ["moj-frontend.min.css", "moj-frontend.min.js"]) {
  fs.copyFileSync(path.join(moj, file), path.join(out, file));
}
fs.cpSync(path.join(__dirname, "frontend"), out, { recursive: true });

// The exclusion-zone map: Leaflet and Geoman (both classic scripts defining window.L) into
// static/map/, served at /assets/map/. leaflet.css finds its images in map/images/.
const leaflet = path.join(__dirname, "node_modules", "leaflet", "dist");
const geoman = path.join(__dirname, "node_modules", "@geoman-io", "leaflet-geoman-free", "dist");
const mapOut = path.join(out, "map");
fs.mkdirSync(mapOut, { recursive: true });
for (const file of ["leaflet.js", "leaflet.js.map", "leaflet.css"]) {
  fs.copyFileSync(path.join(leaflet, file), path.join(mapOut, file));
}
fs.cpSync(path.join(leaflet, "images"), path.join(mapOut, "images"), { recursive: true });
// The minified build when there is one, under the plain name the pages load; its source map
// keeps its own name, which the build's last line refers to.
const geomanMin = path.join(geoman, "leaflet-geoman.min.js");
if (fs.existsSync(geomanMin)) {
  fs.copyFileSync(geomanMin, path.join(mapOut, "leaflet-geoman.js"));
  if (fs.existsSync(`${geomanMin}.map`)) {
    fs.copyFileSync(`${geomanMin}.map`, path.join(mapOut, "leaflet-geoman.min.js.map"));
  }
} else {
  fs.copyFileSync(path.join(geoman, "leaflet-geoman.js"), path.join(mapOut, "leaflet-geoman.js"));
}
for (const file of ["leaflet-geoman.css", "leaflet-geoman.css.map"]) {
  const from = path.join(geoman, file);
  if (fs.existsSync(from)) fs.copyFileSync(from, path.join(mapOut, file));
}
console.log("Front-end assets built into static/");
