// The exclusion-zone map: progressive enhancement on top of the zone textarea.
//
// Without JavaScript the VLO pastes GeoJSON, or types "lat, lon" lines, in the textarea and
// the server checks it. With JavaScript a Leaflet map with Geoman's drawing tools appears
// above the textarea: drawing, editing, dragging or removing a polygon writes the zone into
// the textarea as a GeoJSON FeatureCollection, and typing valid GeoJSON in the textarea
// redraws the map. The textarea stays the accessible way to enter a zone.
//
// After a reveal only, the victim's places (home, work, school) are on the page: each has an
// "exact spot" input (data-app-zone-place, its label) holding "lat, lon". Each is shown as a
// labelled marker that can be dragged (or moved with the arrow keys once focused) to the exact
// spot, which writes the new "lat, lon" into that input; typing in the input moves the marker.
// Changing the place's postcode empties its spot: the spot belonged to the old place. Without a
// reveal there are no such inputs, and no markers. The printed map never shows them.
//
// Needs window.L: load /assets/map/leaflet.js, then /assets/map/leaflet-geoman.js (classic
// scripts), then this module. With no data-tiles the map has no tile layer and fetches nothing.

const MODULE = "app-zone-map";
const DEFAULT_CENTRE = [52.1359, -0.4667]; // Bedford
const DEFAULT_ZOOM = 14;
const MIN_ZOOM = 5;
const MAX_ZOOM = 18;
const PRECISION = 6; // decimal places: about 10 cm
const FIT_OPTIONS = { padding: [24, 24], maxZoom: 17 };
// Geoman's English, in plain words (the buttons' names and the hints by the pointer).
const WORDING = {
  tooltips: {
    firstVertex: "Click to place the first corner",
    continueLine: "Click to place the next corner",
    finishLine: "Click a corner to finish",
    finishPoly: "Click the first corner to finish",
    finishRect: "Click to place the opposite corner",
  },
  actions: { finish: "Finish", cancel: "Cancel", removeLastVertex: "Remove last corner" },
  buttonTitles: {
    drawPolyButton: "Draw a polygon",
    drawRectButton: "Draw a rectangle",
    editButton: "Edit shapes by moving their corners",
    dragButton: "Move shapes",
    deleteButton: "Remove shapes",
  },
};
const ZONE_STYLE = { color: "#d4351c", weight: 3, fillColor: "#d4351c", fillOpacity: 0.15 };

// ---------------------------------------------------------------------------
// GeoJSON in: the polygons of a zone, or null when the text is not a zone we can draw
// ---------------------------------------------------------------------------

function isPosition(position) {
  return (
    Array.isArray(position) &&
    position.length >= 2 &&
    Number.isFinite(position[0]) &&
    Number.isFinite(position[1]) &&
    Math.abs(position[0]) <= 180 &&
    Math.abs(position[1]) <= 90
  );
}

function isPolygon(coordinates) {
  return (
    Array.isArray(coordinates) &&
    coordinates.length > 0 &&
    coordinates.every((ring) => Array.isArray(ring) && ring.length >= 3 && ring.every(isPosition))
  );
}

// A list of polygons, each a list of rings of [lon, lat] positions (GeoJSON order).
function polygonsOf(geometry) {
  if (!geometry || typeof geometry !== "object") return null;
  if (geometry.type === "Polygon") {
    return isPolygon(geometry.coordinates) ? [geometry.coordinates] : null;
  }
  if (geometry.type === "MultiPolygon") {
    const { coordinates } = geometry;
    return Array.isArray(coordinates) && coordinates.every(isPolygon) ? coordinates : null;
  }
  return null;
}

export function parseZone(text) {
  const trimmed = text.trim();
  if (trimmed === "") return []; // an empty textarea is an empty zone
  if (!trimmed.startsWith("{")) return null; // "lat, lon" lines are for the server to read
  let data;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (!data || typeof data !== "object") return null;
  if (data.type === "FeatureCollection") {
    if (!Array.isArray(data.features)) return null;
    const polygons = [];
    for (const feature of data.features) {
      const found = feature && feature.type === "Feature" ? polygonsOf(feature.geometry) : null;
      if (!found) return null;
      polygons.push(...found);
    }
    return polygons;
  }
  if (data.type === "Feature") return polygonsOf(data.geometry);
  return polygonsOf(data);
}

// ---------------------------------------------------------------------------
// GeoJSON out: a FeatureCollection of Polygons, one feature a line
// ---------------------------------------------------------------------------

function round(value) {
  return Number(value.toFixed(PRECISION));
}

// Twice the ring's signed area in degrees²: positive when it runs anticlockwise.
function signedArea(ring) {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i += 1) {
    sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  }
  return sum;
}

// A closed GeoJSON ring; RFC 7946's winding: the outer ring anticlockwise, holes clockwise.
function ringOf(latlngs, outer) {
  const ring = latlngs.map((latlng) => [round(latlng.lng), round(latlng.lat)]);
  const [first] = ring;
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([...first]);
  if (outer ? signedArea(ring) < 0 : signedArea(ring) > 0) ring.reverse();
  return ring;
}

// A Leaflet polygon's latlngs are rings ([LatLng]) or polygons of rings ([[LatLng]]).
function polygonsOfLayer(layer) {
  const latlngs = layer.getLatLngs();
  const nested = Array.isArray(latlngs[0]) && Array.isArray(latlngs[0][0]);
  const polygons = nested ? latlngs : [latlngs];
  return polygons
    .map((rings) => rings.filter((ring) => ring.length >= 3).map((ring, index) => ringOf(ring, index === 0)))
    .filter((rings) => rings.length > 0);
}

export function formatZone(polygons) {
  if (polygons.length === 0) return "";
  const features = polygons.map((coordinates) =>
    JSON.stringify({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates } }),
  );
  return `{"type": "FeatureCollection", "features": [\n  ${features.join(",\n  ")}\n]}`;
}

// ---------------------------------------------------------------------------
// A faint latitude/longitude graticule, for a sense of scale when there are no tiles
// ---------------------------------------------------------------------------

const STEPS = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001];
const MIN_GAP_PIXELS = 90;

function stepFor(degreesPerPixel) {
  const wanted = degreesPerPixel * MIN_GAP_PIXELS;
  let chosen = STEPS[0];
  for (const step of STEPS) {
    if (step >= wanted) chosen = step;
  }
  return chosen;
}

function createGraticule(L) {
  const style = {
    color: "#505a5f",
    weight: 1,
    opacity: 0.25,
    interactive: false,
    pmIgnore: true,
    snapIgnore: true,
  };
  return L.LayerGroup.extend({
    onAdd(map) {
      L.LayerGroup.prototype.onAdd.call(this, map);
      this._renderer = this._renderer || L.svg({ pane: "appGraticulePane" });
      map.on("moveend zoomend resize", this._redraw, this);
      this._redraw();
    },
    onRemove(map) {
      map.off("moveend zoomend resize", this._redraw, this);
      L.LayerGroup.prototype.onRemove.call(this, map);
    },
    _redraw() {
      const map = this._map;
      if (!map) return;
      this.clearLayers();
      const bounds = map.getBounds();
      const size = map.getSize();
      if (!size.x || !size.y) return;
      const south = bounds.getSouth();
      const north = bounds.getNorth();
      const west = bounds.getWest();
      const east = bounds.getEast();
      const lonStep = stepFor((east - west) / size.x);
      const latStep = stepFor((north - south) / size.y);
      const options = { ...style, renderer: this._renderer };
      for (let lon = Math.ceil(west / lonStep) * lonStep; lon <= east; lon += lonStep) {
        this.addLayer(
          L.polyline(
            [
              [south, lon],
              [north, lon],
            ],
            options,
          ),
        );
      }
      for (let lat = Math.ceil(south / latStep) * latStep; lat <= north; lat += latStep) {
        this.addLayer(
          L.polyline(
            [
              [lat, west],
              [lat, east],
            ],
            options,
          ),
        );
      }
    },
  });
}

// ---------------------------------------------------------------------------
// The victim's places, after a reveal: markers that write where they are dragged to
// ---------------------------------------------------------------------------

function parsePoint(text) {
  const parts = (text || "").split(",").map((part) => part.trim());
  if (parts.length !== 2 || parts.some((part) => part === "")) return null;
  const [lat, lon] = parts.map(Number);
  return isPosition([lon, lat]) ? [lat, lon] : null;
}

function formatPoint(latlng) {
  return `${latlng.lat.toFixed(PRECISION)}, ${latlng.lng.toFixed(PRECISION)}`;
}

const NUDGE_PIXELS = { normal: 10, fine: 1 };
const ARROWS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

function placeMarkers(L, map, inputs) {
  const group = L.featureGroup().addTo(map);
  const markers = new Map();

  function write(input, latlng) {
    input.value = formatPoint(latlng);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function place(input) {
    const label = input.dataset.appZonePlace;
    const at = parsePoint(input.value);
    let marker = markers.get(input);
    if (!at) {
      if (marker) group.removeLayer(marker);
      markers.delete(input);
      return;
    }
    if (marker) {
      marker.setLatLng(at);
      return;
    }
    const icon = L.divIcon({
      className: "app-zone-place",
      html: `<span class="app-zone-place__label"></span>`,
      iconSize: null,
      iconAnchor: [0, 0],
    });
    marker = L.marker(at, {
      icon,
      draggable: true,
      keyboard: true,
      title: label,
      pmIgnore: true,
      snapIgnore: true,
      autoPan: true,
    });
    marker.on("add", () => {
      const element = marker.getElement();
      element.querySelector(".app-zone-place__label").textContent = label;
      element.setAttribute(
        "aria-label",
        `${label}: drag it, or use the arrow keys, to move it to the exact spot`,
      );
      element.dataset.appZonePlaceMarker = input.id;
      element.addEventListener("keydown", (event) => {
        const arrow = ARROWS[event.key];
        if (!arrow) return;
        event.preventDefault();
        event.stopPropagation();
        const step = event.shiftKey ? NUDGE_PIXELS.fine : NUDGE_PIXELS.normal;
        const point = map.latLngToContainerPoint(marker.getLatLng()).add([arrow[0] * step, arrow[1] * step]);
        const latlng = map.containerPointToLatLng(point);
        marker.setLatLng(latlng);
        write(input, latlng);
      });
    });
    marker.on("dragend", () => write(input, marker.getLatLng()));
    group.addLayer(marker);
    markers.set(input, marker);
  }

  for (const input of inputs) {
    place(input);
    input.addEventListener("change", () => place(input));
    input.addEventListener("input", () => place(input));
    const box = document.getElementById(input.dataset.appZonePlaceFor || "");
    if (box) {
      const shown = box.value;
      box.addEventListener("input", () => {
        // A new place typed: the exact spot was the old one's, and its marker goes with it.
        if (box.value.trim() !== shown.trim() && input.value !== "") {
          input.value = "";
          place(input);
        }
      });
    }
  }
  return group;
}

// ---------------------------------------------------------------------------
// The map
// ---------------------------------------------------------------------------

function parseCentre(text) {
  const parts = (text || "").split(",").map((part) => Number(part.trim()));
  if (parts.length === 2 && parts.every(Number.isFinite) && isPosition([parts[1], parts[0]])) {
    return parts;
  }
  return DEFAULT_CENTRE;
}

function boundsOf(L, polygons) {
  const bounds = L.latLngBounds([]);
  for (const rings of polygons) {
    for (const [lon, lat] of rings[0]) bounds.extend([lat, lon]);
  }
  return bounds;
}

// Geoman's toolbar buttons are links with role="button" whose names sit in a title on
// their container: give each button its name, and Space as well as Enter to press it.
function labelToolbar(container) {
  const buttons = container.querySelectorAll(".button-container[title] > .leaflet-buttons-control-button");
  for (const button of buttons) {
    button.setAttribute("aria-label", button.parentElement.getAttribute("title"));
    if (button.dataset.appSpaceKey === undefined) {
      button.dataset.appSpaceKey = "";
      button.addEventListener("keydown", (event) => {
        if (event.key === " ") {
          event.preventDefault();
          button.click();
        }
      });
    }
  }
}

function zoneMap(root) {
  const { L } = window;
  const input = document.getElementById(root.dataset.input || "");
  if (!L || !L.PM || !input) return false;

  const tiles = root.dataset.tiles;
  const zoom = Number.parseInt(root.dataset.zoom || "", 10);
  const initialZoom = Number.isFinite(zoom) ? Math.min(Math.max(zoom, MIN_ZOOM), MAX_ZOOM) : DEFAULT_ZOOM;

  root.setAttribute("role", "region");
  root.setAttribute("aria-label", "Map for drawing the exclusion zone");

  const map = L.map(root, {
    minZoom: MIN_ZOOM,
    maxZoom: MAX_ZOOM,
    attributionControl: Boolean(tiles),
    scrollWheelZoom: false, // the page scrolls past the map; zoom by wheel once it has focus
  });
  map.on("focus", () => map.scrollWheelZoom.enable());
  map.on("blur", () => map.scrollWheelZoom.disable());

  // The victim's places, on the page only after a reveal.
  const form = root.closest("form") || document;
  const placeInputs = [...form.querySelectorAll("input[data-app-zone-place]")];
  const placePoints = placeInputs.map((placeInput) => parsePoint(placeInput.value)).filter(Boolean);

  // The view first, then the layers (a map with no tile layer has no view until it is set).
  const initial = parseZone(input.value) || [];
  if (initial.length > 0) {
    const bounds = boundsOf(L, initial);
    for (const point of placePoints) bounds.extend(point);
    map.fitBounds(bounds, FIT_OPTIONS);
  } else if (placePoints.length > 0) {
    map.fitBounds(L.latLngBounds(placePoints), { ...FIT_OPTIONS, maxZoom: 15 });
  } else {
    map.setView(parseCentre(root.dataset.centre), initialZoom);
  }

  if (tiles) {
    map.attributionControl.setPrefix(false);
    // The provider's own highest zoom (MAP_TILE_MAX_ZOOM): beyond it Leaflet enlarges its tiles
    // rather than asking for tiles the provider does not have.
    const nativeZoom = Number.parseInt(root.dataset.tilesMaxZoom, 10);
    L.tileLayer(tiles, {
      attribution: root.dataset.attribution || "",
      maxZoom: MAX_ZOOM,
      maxNativeZoom: Number.isFinite(nativeZoom) ? Math.min(nativeZoom, MAX_ZOOM) : MAX_ZOOM,
    }).addTo(map);
  } else {
    map.createPane("appGraticulePane").style.zIndex = "350"; // under the zone (overlayPane is 400)
    const Graticule = createGraticule(L);
    new Graticule().addTo(map);
  }
  L.control.scale({ metric: true, imperial: false }).addTo(map);

  const zone = L.featureGroup().addTo(map);
  let lastWritten = null;

  function write() {
    const polygons = [];
    for (const layer of zone.getLayers()) {
      if (map.hasLayer(layer) && layer instanceof L.Polygon) polygons.push(...polygonsOfLayer(layer));
    }
    lastWritten = formatZone(polygons);
    if (input.value !== lastWritten) {
      input.value = lastWritten;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function watch(layer) {
    layer.on("pm:edit pm:update pm:dragend", write);
    layer.on("pm:remove", () => {
      zone.removeLayer(layer);
      write();
    });
  }

  function draw(polygons) {
    zone.clearLayers();
    for (const rings of polygons) {
      const layer = L.polygon(
        rings.map((ring) => ring.map(([lon, lat]) => [lat, lon])),
        ZONE_STYLE,
      );
      zone.addLayer(layer);
      watch(layer);
    }
  }

  draw(initial);

  map.pm.setGlobalOptions({
    layerGroup: zone,
    pathOptions: ZONE_STYLE,
    templineStyle: { color: ZONE_STYLE.color },
    hintlineStyle: { color: ZONE_STYLE.color, dashArray: [5, 5] },
    allowSelfIntersection: false,
    continueDrawing: false,
  });
  map.pm.setLang("en", WORDING, "en");
  map.pm.addControls({
    position: "topleft",
    drawMarker: false,
    drawCircleMarker: false,
    drawPolyline: false,
    drawCircle: false,
    drawText: false,
    drawRectangle: true,
    drawPolygon: true,
    editMode: true,
    dragMode: true,
    removalMode: true,
    cutPolygon: false,
    rotateMode: false,
  });
  labelToolbar(root);
  map.on("pm:langchange", () => labelToolbar(root)); // the toolbar is built anew

  map.on("pm:create", (event) => {
    const { layer } = event;
    if (!(layer instanceof L.Polygon)) {
      layer.remove(); // only polygons belong in a zone
      return;
    }
    if (!zone.hasLayer(layer)) zone.addLayer(layer);
    watch(layer);
    write();
  });

  function redrawFromInput() {
    if (input.value === lastWritten) return; // our own write coming back
    const polygons = parseZone(input.value);
    if (!polygons) return; // not GeoJSON we can draw: the server will say what is wrong
    lastWritten = null;
    if (polygons.length > 0) {
      const bounds = boundsOf(L, polygons);
      if (!map.getBounds().contains(bounds)) map.fitBounds(bounds, FIT_OPTIONS);
    }
    draw(polygons);
  }
  input.addEventListener("input", redrawFromInput);
  input.addEventListener("change", redrawFromInput);

  const places = placeMarkers(L, map, placeInputs);

  root.appZoneMap = { map, zone, places }; // for the tests and for debugging
  return true;
}

for (const root of document.querySelectorAll(`[data-module="${MODULE}"]`)) {
  if (root.hasAttribute(`data-${MODULE}-init`)) continue;
  // Marked first: the map is only shown once marked, and Leaflet needs its size.
  root.setAttribute(`data-${MODULE}-init`, "");
  let started = false;
  try {
    started = zoneMap(root);
  } finally {
    if (!started) root.removeAttribute(`data-${MODULE}-init`);
  }
}
