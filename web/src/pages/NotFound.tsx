// What an address the panel has no page for (or a page this role may not
// see) shows, instead of some other page.
import { useApp } from '../ui/context';
import { Page } from '../ui/page';

export function NotFound({ forbidden }: { forbidden?: boolean }) {
  const { navigate } = useApp();
  return (
    <Page title={forbidden ? 'Not allowed' : 'Not found'}>
      <p>{forbidden ? 'Your account may not open this page.' : `There is no page at ${location.pathname}.`}</p>
      <p>
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          Go to the dashboard
        </a>
      </p>
    </Page>
  );
}
