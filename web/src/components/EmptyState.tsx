export interface EmptyStateProps {
  title: string;
  detail?: string;
}

export function EmptyState(props: EmptyStateProps) {
  return (
    <div class="empty-state">
      <p class="empty-title">{props.title}</p>
      <p class="empty-detail">{props.detail}</p>
    </div>
  );
}
