import { render } from 'preact';
import { App } from './app';
import './styles.css';

render(<App />, document.getElementById('app')!);
// The first page is on screen and its handlers attached: the end-to-end
// test reads this mark against its 1 s budget.
performance.mark('wsp-interactive');
