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
console.log("Front-end assets built into static/");
