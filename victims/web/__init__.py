"""What every web page shares: the layout, forms, paging, sign-in guard and the commit point."""
