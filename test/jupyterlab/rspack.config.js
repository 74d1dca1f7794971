// rspack configuration of the JupyterLab test front end (as JupyterLab's examples/app): one bundle.js, plus
// the schemas, themes and styles of the plugin packages, copied into build/ by @jupyter/builder.
const path = require('path');
const rspack = require('@rspack/core');
const { Build } = require('@jupyter/builder');
const miniSVGDataURI = require('mini-svg-data-uri');
const data = require('./package.json');

const extensionAssetConfig = Build.ensureAssets({
  packageNames: data.jupyterlab.extensions,
  output: './build'
});

module.exports = [
  {
    entry: ['./index.js'],
    output: {
      path: path.join(__dirname, 'build'),
      filename: 'bundle.js'
    },
    bail: true,
    // Production mode without minification: the build stays fast (no minifier pass), the page small enough.
    mode: 'production',
    devtool: false,
    optimization: { minimize: false },
    performance: { hints: false },
    resolve: {
      alias: {
        // jupyterlab-plotly imports the full plotly.js; package.json's overrides install plotly.js-dist-min
        // (the same plotly.js, prebuilt and minified) under that name.
        'plotly.js/dist/plotly': path.join(__dirname, 'node_modules', 'plotly.js', 'plotly.min.js')
      }
    },
    module: {
      rules: [
        // Some ES modules import './x' without the '.js' (allowed by bundlers, not by strict ESM).
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.raw\.css$/, type: 'asset/source' },
        { test: /\.html$/, type: 'asset/resource' },
        { test: /\.md$/, type: 'asset/source' },
        { test: /\.(jpg|png|gif)$/, type: 'asset/resource' },
        { test: /\.js.map$/, type: 'asset/resource' },
        { test: /\.woff2?(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
        { test: /\.ttf(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
        { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, type: 'asset/resource' },
        {
          // In CSS, an SVG is a data URI.
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.css$/,
          type: 'asset/inline',
          generator: {
            dataUrl: {
              content: content => miniSVGDataURI(content.content),
              mimetype: 'image/svg+xml'
            }
          }
        },
        {
          // In JavaScript, an SVG is its source text (LabIcon).
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.js$/,
          type: 'asset/source'
        }
      ]
    },
    plugins: [
      new rspack.DefinePlugin({
        // Some packages (the path polyfill) call process.cwd().
        process: { cwd: () => '/', env: {} }
      })
    ]
  }
].concat(extensionAssetConfig);
