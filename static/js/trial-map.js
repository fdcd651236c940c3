// The site map of a trial page or a result page: Leaflet (static/vendor/leaflet, installed
// by the build) draws the points given as JSON in the page; no points or no Leaflet, no map.
(function () {
  "use strict";
  var box = document.getElementById("trial-map");
  var data = document.getElementById("trial-map-points");
  if (!box || !data || typeof L === "undefined") return;
  var points = JSON.parse(data.textContent);
  if (!points.length) return;
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 6,
      className: p.open ? "site-point site-point--open" : "site-point",
    }).addTo(map);
    // text nodes, never HTML: facility names come from the registry
    var popup = document.createElement("div");
    var name = document.createElement(p.url ? "a" : "strong");
    name.textContent = p.trial ? p.trial + ": " + p.name : p.name;
    if (p.url) name.href = p.url;
    popup.appendChild(name);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(p.place));
    marker.bindPopup(popup);
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { maxZoom: 10, padding: [20, 20] });
})();
