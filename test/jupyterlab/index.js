// A JupyterLab 4 front end for the project's browser tests, put together the way JupyterLab's own
// examples/app is: the @jupyterlab/* plugin packages from npm, bundled by rspack with @jupyter/builder, served
// by jupyterlab_server (server.py). Only the plugins a student's notebook session uses are included.
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';

// The public path must be set before the CSS assets load.
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption('fullStaticUrl') + '/';

// build/style.js is written by Build.ensureAssets (rspack.config.js): the CSS of every package listed in
// package.json's jupyterlab.extensions.
const styles = import('./build/style.js');

// Keep in step with package.json's jupyterlab.extensions (which tells Build.ensureAssets whose schemas,
// themes and styles to copy).
const extensions = [
  import('@jupyterlab/application-extension'),
  import('@jupyterlab/apputils-extension'),
  import('@jupyterlab/codemirror-extension'),
  import('@jupyterlab/completer-extension'),
  import('@jupyterlab/docmanager-extension'),
  import('@jupyterlab/documentsearch-extension'),
  import('@jupyterlab/filebrowser-extension'),
  import('@jupyterlab/mainmenu-extension'),
  import('@jupyterlab/markedparser-extension'),
  import('@jupyterlab/mathjax-extension'),
  import('@jupyterlab/metadataform-extension'),
  import('@jupyterlab/notebook-extension').then(plugins =>
    plugins.default.filter(({ id }) => !id.includes(':language-server'))
  ),
  import('@jupyterlab/rendermime-extension'),
  import('@jupyterlab/shortcuts-extension'),
  import('@jupyterlab/statusbar-extension'),
  import('@jupyterlab/theme-light-extension'),
  import('@jupyterlab/toc-extension'),
  import('@jupyterlab/translation-extension'),
  import('@jupyterlab/ui-components-extension')
];

// The plotly renderer (npm `jupyterlab-plotly`, the extension plotly.py's users install) is loaded only when
// the server says so (server.py --plotly-renderer), so one build serves both "with" and "without" checks.
const withPlotlyRenderer = PageConfig.getOption('tsnbPlotlyRenderer') === 'true';
const mimeExtensions = [
  import('@jupyterlab/json-extension'),
  ...(withPlotlyRenderer ? [import('jupyterlab-plotly/lib/plotly-renderer')] : [])
];

window.addEventListener('load', async function () {
  await styles;
  const lab = new JupyterLab({ mimeExtensions: await Promise.all(mimeExtensions) });
  lab.registerPluginModules(await Promise.all(extensions));
  // The tests drive the application through its command registry, as its menus and palette do.
  window.jupyterapp = lab;
  console.log('Starting app');
  await lab.start();
  await lab.restored;
  document.body.dataset.tsnbReady = 'true';
  console.log('JupyterLab test front end started');
});
