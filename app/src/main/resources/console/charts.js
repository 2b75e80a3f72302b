// Obol console charts: plain SVG drawn with DOM calls. Every label is set with textContent, never parsed as markup,
// so a feature or pack name from the database shows as text. Values are numbers for the geometry only; what is written
// on the chart is the caller's text (amounts stay exact strings there).
'use strict';

(function () {
  var SVG = 'http://www.w3.org/2000/svg';

  function svgNode(tag, attributes, text) {
    var element = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (name) {
      element.setAttribute(name, String(attributes[name]));
    });
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }

  function clip(text, max) {
    var value = String(text);
    return value.length > max ? value.slice(0, max - 1) + '\u2026' : value;
  }

  // A "nice" axis top: 1, 2 or 5 times a power of ten, at least the largest value.
  function niceTop(max) {
    if (!(max > 0)) { return 1; }
    var power = Math.pow(10, Math.floor(Math.log10(max)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= max) { return steps[i] * power; }
    }
    return 10 * power;
  }

  // Drawn at the container's own width, so one SVG unit is one CSS pixel and the text keeps the page's size.
  function widthOf(container, fallback) {
    var width = Math.floor(container.clientWidth || 0);
    return width >= 320 ? Math.min(width, 1200) : fallback;
  }

  /**
   * Horizontal bars, one per item: {label, value, text, extra: {value, text, label}}. The extra is drawn as a thinner
   * second bar under the first (e.g. what was reversed of what was debited).
   */
  function hbars(container, items, options) {
    options = options || {};
    container.textContent = '';
    if (!items.length) { return null; }
    var width = widthOf(container, 640);
    var labelWidth = 150;
    var textWidth = 200;
    var rowHeight = 34;
    var top = 6;
    var barSpace = width - labelWidth - textWidth - 10;
    var max = 0;
    items.forEach(function (item) {
      max = Math.max(max, item.value || 0, item.extra ? item.extra.value || 0 : 0);
    });
    var height = top + rowHeight * items.length + 4;
    var svg = svgNode('svg', {
      viewBox: '0 0 ' + width + ' ' + height, width: '100%', role: 'img', class: 'chart-svg hbars',
      'aria-label': options.title || 'bar chart'
    });
    svg.appendChild(svgNode('title', {}, options.title || 'bar chart'));
    items.forEach(function (item, index) {
      var y = top + index * rowHeight;
      var group = svgNode('g', { class: 'bar-row', 'data-label': item.label });
      var label = svgNode('text', { x: labelWidth - 8, y: y + 15, 'text-anchor': 'end', class: 'bar-label' },
        clip(item.label, 22));
      label.appendChild(svgNode('title', {}, item.label));
      group.appendChild(label);
      var length = max > 0 ? Math.max(item.value > 0 ? 2 : 0, (item.value / max) * barSpace) : 0;
      group.appendChild(svgNode('rect', {
        x: labelWidth, y: y + 3, width: length.toFixed(1), height: 16, rx: 3, class: 'bar ' + (options.cls || 'series-0')
      }));
      group.appendChild(svgNode('text', { x: labelWidth + length + 6, y: y + 15, class: 'bar-value' }, item.text));
      if (item.extra && item.extra.value > 0) {
        var extraLength = Math.max(2, (item.extra.value / max) * barSpace);
        group.appendChild(svgNode('rect', {
          x: labelWidth, y: y + 22, width: extraLength.toFixed(1), height: 7, rx: 2, class: 'bar series-extra'
        }));
        group.appendChild(svgNode('text', { x: labelWidth + extraLength + 6, y: y + 30, class: 'bar-note' },
          item.extra.text));
      }
      svg.appendChild(group);
    });
    container.appendChild(svg);
    return svg;
  }

  /**
   * Stacked columns, one per period: periods [{label, parts: {seriesKey: number}, text}], series [{key, label}]. The
   * y axis is labelled with options.format(number).
   */
  function stacked(container, periods, series, options) {
    options = options || {};
    container.textContent = '';
    if (!periods.length) { return null; }
    var width = widthOf(container, 720);
    var height = 280;
    var left = 70;
    var right = 10;
    var top = 14;
    var bottom = 58;
    var plotHeight = height - top - bottom;
    var plotWidth = width - left - right;
    var max = 0;
    periods.forEach(function (period) {
      var sum = 0;
      series.forEach(function (s) { sum += period.parts[s.key] || 0; });
      max = Math.max(max, sum);
    });
    var axisTop = niceTop(max);
    var format = options.format || function (value) { return String(value); };
    var svg = svgNode('svg', {
      viewBox: '0 0 ' + width + ' ' + height, width: '100%', role: 'img', class: 'chart-svg stacked',
      'aria-label': options.title || 'column chart'
    });
    svg.appendChild(svgNode('title', {}, options.title || 'column chart'));
    for (var tick = 0; tick <= 4; tick++) {
      var value = axisTop * tick / 4;
      var y = top + plotHeight - plotHeight * tick / 4;
      svg.appendChild(svgNode('line', { x1: left, x2: width - right, y1: y, y2: y, class: 'grid-line' }));
      svg.appendChild(svgNode('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis-label' },
        format(value)));
    }
    var slot = plotWidth / periods.length;
    var barWidth = Math.max(4, Math.min(48, slot * 0.7));
    var labelEvery = Math.ceil(periods.length / 16);
    periods.forEach(function (period, index) {
      var x = left + slot * index + (slot - barWidth) / 2;
      var base = top + plotHeight;
      var group = svgNode('g', { class: 'column', 'data-label': period.label });
      series.forEach(function (s, seriesIndex) {
        var part = period.parts[s.key] || 0;
        if (part <= 0) { return; }
        var h = plotHeight * part / axisTop;
        base -= h;
        var rect = svgNode('rect', {
          x: x.toFixed(1), y: base.toFixed(1), width: barWidth.toFixed(1), height: Math.max(h, 0.5).toFixed(1),
          class: 'bar series-' + seriesIndex, 'data-series': s.key
        });
        rect.appendChild(svgNode('title', {}, period.label + ' \u00b7 ' + s.label + ': ' + format(part)));
        group.appendChild(rect);
      });
      if (index % labelEvery === 0) {
        group.appendChild(svgNode('text', {
          x: (x + barWidth / 2).toFixed(1), y: top + plotHeight + 16, 'text-anchor': 'middle', class: 'axis-label'
        }, clip(period.label, 10)));
      }
      svg.appendChild(group);
    });
    var legendX = left;
    series.forEach(function (s, seriesIndex) {
      var item = svgNode('g', { class: 'legend-item' });
      item.appendChild(svgNode('rect', {
        x: legendX, y: height - 22, width: 12, height: 12, rx: 2, class: 'bar series-' + seriesIndex
      }));
      item.appendChild(svgNode('text', { x: legendX + 17, y: height - 12, class: 'legend-label' }, s.label));
      svg.appendChild(item);
      legendX += 24 + s.label.length * 7.5;
    });
    container.appendChild(svg);
    return svg;
  }

  window.ObolCharts = Object.freeze({ hbars: hbars, stacked: stacked });
})();
